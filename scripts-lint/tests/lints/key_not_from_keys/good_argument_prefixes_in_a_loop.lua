--! args: now, *queues(prefix)
-- A dashboard's overview over several queues, each named by an argument after the
-- timestamp and declared a prefix (`*queues(prefix)`): `ARGV[i]` for `i = 2, #ARGV`
-- is one of those entries, never the timestamp, so every key built from it, directly,
-- through a table of names or through a helper, is built from a declared prefix.
local now = tonumber(ARGV[1])
if not now then
  return redis.error_reply('ERR the timestamp must be a number')
end

local queues = {}
for i = 2, #ARGV do
  table.insert(queues, ARGV[i])
end
if #queues == 0 then
  return '{}'
end

local function count(q, suffix, since)
  local key = q .. ':' .. suffix
  if since then
    return redis.call('ZCOUNT', key, since, now)
  end
  return redis.call('ZCARD', key)
end

local totals = { active = 0, done = 0, failed = 0, inflight = 0, last_hour = 0 }
local newest = 0
for _, q in ipairs(queues) do
  totals.active = totals.active + redis.call('LLEN', q .. ':active')
  totals.done = totals.done + count(q, 'done')
  totals.failed = totals.failed + count(q, 'dead')
  totals.inflight = totals.inflight + redis.call('SCARD', q .. ':inflight')
  totals.last_hour = totals.last_hour + count(q, 'done', now - 3600) + count(q, 'dead', now - 3600)
  local recent = redis.call('ZREVRANGE', q .. ':done', 0, 0, 'WITHSCORES')
  if #recent > 0 then
    local score = tonumber(recent[2])
    if score and score > newest then
      newest = score
    end
  end
end

-- the queues themselves, when a caller passes list keys as they are
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[i]) == 1 then
    totals.active = totals.active + 1
  end
end

local rate = 0
if totals.done + totals.failed > 0 then
  rate = math.floor(totals.done * 100 / (totals.done + totals.failed))
end
return cjson.encode({
  active = totals.active,
  done = totals.done,
  failed = totals.failed,
  inflight = totals.inflight,
  last_hour = totals.last_hour,
  success_rate = rate,
  newest = newest,
})
