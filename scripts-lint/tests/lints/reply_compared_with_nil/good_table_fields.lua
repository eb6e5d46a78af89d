--! keys: queue(prefix)
--! args: id, worker
-- Fields of local tables tested with `== nil` where `nil` is really possible: a field
-- set on one path only, cleared by a helper the table is passed to, written through
-- an alias, by a loop, by `table.insert`, at a computed key, or by a function that
-- escapes; and fields tested the right way.
local rcall = redis.call
local prefix = KEYS[1]
local job_key = prefix .. 'job:' .. ARGV[1]

local function release(claim)
  claim.owner = nil
end

local function reset_all(t)
  for name in pairs(t) do
    t[name] = nil
  end
end

-- set on one path only: absent on the other, so `nil`
local claim = {}
if ARGV[2] ~= '' then
  claim.owner = rcall('HGET', job_key, 'owner')
end
if claim.owner == nil then
  claim.owner = ARGV[2]
end

-- a helper sets it to nil
local held = {}
held.owner = rcall('HGET', job_key, 'owner')
release(held)
if held.owner == nil then
  rcall('HSET', job_key, 'owner', ARGV[2])
end

-- written through an alias
local state = { value = rcall('HGET', job_key, 'state') }
local same = state
same.value = nil
if state.value == nil then
  state.value = 'waiting'
end

-- a loop clears it on a later pass
local cursor = { next = rcall('LINDEX', prefix .. 'wait', 0) }
for _ = 1, 3 do
  if cursor.next == nil then
    break
  end
  if cursor.next then
    rcall('LREM', prefix .. 'wait', 1, cursor.next)
  end
  cursor.next = nil
end

-- a computed key may be any field
local cache = {}
cache.hit = rcall('GET', prefix .. 'cache:' .. ARGV[1])
cache[ARGV[2]] = nil
if cache.hit == nil then
  return 0
end

-- a helper clears every field
local seen = { last = rcall('GET', prefix .. 'last') }
reset_all(seen)
if seen.last == nil then
  rcall('SET', prefix .. 'last', ARGV[1])
end

-- the right tests of a null reply
local job = { state = rcall('HGET', job_key, 'state') }
if not job.state then
  return redis.error_reply('NO_JOB')
end
if job.state == false then
  return 1
end
return { claim.owner, state.value, job.state }
