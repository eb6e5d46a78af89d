--! keys: wait, meta, id, events
--! args: packed, data, packed_opts
-- BullMQ's "add job" shape: the queue prefix is the first field of a msgpack array
-- passed in ARGV[1], and the parent job's key travels in another field. The
-- annotations declare them next to the value; every key built from them is a key for
-- every lint, through helpers and aliases.
local rcall = redis.call
local args = cmsgpack.unpack(ARGV[1]) -- redis-lua-lint: prefix(args[1]) prefix(args[5])
local opts = cmsgpack.unpack(ARGV[3])
local metaKey, eventsKey = KEYS[2], KEYS[4]

-- redis-lua-lint: key(dedupKey)
local dedupKey = opts['de'] and opts['de']['key']

local function storeJob(jobIdKey, jobId, name, data, timestamp)
  rcall('HSET', jobIdKey, 'name', name, 'data', data, 'timestamp', timestamp)
  rcall('XADD', eventsKey, '*', 'event', 'added', 'jobId', jobId, 'name', name)
end

local function addToParent(parentKey, jobIdKey)
  if parentKey ~= nil then
    rcall('SADD', parentKey .. ':dependencies', jobIdKey)
  end
end

local jobCounter = rcall('INCR', KEYS[3])
local jobId = args[2]
if jobId == '' then
  jobId = jobCounter .. ''
end
local jobIdKey = args[1] .. jobId
if rcall('EXISTS', jobIdKey) == 1 then
  return jobId
end

if dedupKey then
  if rcall('SET', dedupKey, jobId, 'NX', 'PX', 5000) == false then
    return rcall('GET', dedupKey)
  end
end

local parentKey = args[5]
if parentKey ~= nil and rcall('EXISTS', parentKey) ~= 1 then
  return -5
end

storeJob(jobIdKey, jobId, args[3], ARGV[2], args[4])
addToParent(parentKey, jobIdKey)

local paused = rcall('HEXISTS', metaKey, 'paused') == 1
if not paused then
  rcall(opts['lifo'] and 'RPUSH' or 'LPUSH', KEYS[1], jobId)
end
return jobId
