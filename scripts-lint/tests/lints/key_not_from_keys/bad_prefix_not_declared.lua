--! keys: queue, events
--! args: job_id, payload
-- The same idioms as good_queue_with_prefix.lua, with `queue` not declared a
-- prefix: every key built from it is reported, with the parameter to declare. Keys
-- with something before the `KEYS` value, from `ARGV` or from a reply stay errors
-- whatever is declared.
local rcall = redis.call

local function key(name)
  return KEYS[1] .. name
end

local function job_key(id)
  return string.format('%s:%s', KEYS[1], id)
end

local function emit(event, id)
  rcall('XADD', KEYS[2], '*', 'event', event, 'jobId', id)
end

local id = ARGV[1]
local job = job_key(id)
if rcall('EXISTS', job) == 1 then
  emit('duplicated', id)
  return id
end

rcall('HSET', job, 'data', ARGV[2])
rcall('RPUSH', key('wait'), id)

-- prepended: the hash tag of KEYS[1] is no longer the first one
rcall('SET', 'lock:' .. KEYS[1], id)
-- from the caller's arguments
rcall('DEL', ARGV[1] .. ':tmp')
-- from a reply
local next_id = rcall('LINDEX', key('wait'), 0)
if next_id then
  rcall('HINCRBY', next_id, 'peeked', 1)
end

emit('added', id)
return id
