--! keys: *queues(prefix)
--! args: status, page:integer, page_size:integer, owner, ttl:integer
-- A task listing over several queues whose keys travel in small tables: each entry is
-- {id, data_key, meta_prefix}, with the keys at fixed positions no code rewrites, and a
-- lock is taken with `SET` built from a table of its arguments, the key first. Every
-- key read back from such a position is the key stored there.
local status_filter = ARGV[1]
local page = tonumber(ARGV[2])
local page_size = tonumber(ARGV[3])
if not page or not page_size then
  return redis.error_reply('missing pagination parameters')
end

local function lock(key, owner, ttl)
  local set_args = {key, owner, 'NX'}
  if ttl > 0 then
    table.insert(set_args, 'PX')
    table.insert(set_args, ttl)
  end
  return redis.call('SET', unpack(set_args))
end

if not lock(KEYS[1] .. ':listing', ARGV[4], tonumber(ARGV[5]) or 0) then
  return redis.error_reply('LOCKED another listing runs')
end

local entries = {}
for i = 1, #KEYS do
  local data_key = KEYS[i] .. ':data'
  local meta_prefix = KEYS[i] .. ':meta'
  local ids = redis.call('HKEYS', data_key)
  for _, id in ipairs(ids) do
    table.insert(entries, {id, data_key, meta_prefix})
  end
end

local start = (page - 1) * page_size + 1
local stop = math.min(start + page_size - 1, #entries)
local result = {}
for n = start, stop do
  local entry = entries[n]
  local task_id = entry[1]
  local data_key = entry[2]
  local meta_key = entry[3] .. ':' .. task_id
  local include = true
  if status_filter ~= '' then
    include = redis.call('HGET', meta_key, 'status') == status_filter
  end
  if include then
    local data = redis.call('HMGET', data_key, task_id)
    local meta = redis.call('HGETALL', meta_key)
    table.insert(result, {task_id, data[1] or '', #meta / 2})
  end
end

redis.call('DEL', KEYS[1] .. ':listing')
return cjson.encode({ total = #entries, tasks = result })
