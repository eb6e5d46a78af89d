--! keys: wait, events
--! args: packed, data
-- Annotations the checker cannot read, or that declare nothing: each is reported
-- where it is written, and the keys they were meant to declare stay findings.
local rcall = redis.call
local args = cmsgpack.unpack(ARGV[1]) -- redis-lua-lint: prefix(arg[1])
local opts = cjson.decode(ARGV[2]) -- redis-lua-lint: prefixes(opts.queue)

-- redis-lua-lint: key(parentKey)
local jobId = args[2]
local parentKey = args[5] -- redis-lua-lint: key(args[i])
local lockKey = args[6] -- redis-lua-lint: key(lockKey.a.b)
local repeatKey = args[7] -- redis-lua-lint: key(repeatKey
local dedupKey = args[9] -- redis-lua-lint: key()

local function emit(event, id)
  rcall('XADD', KEYS[2], '*', 'event', event, 'jobId', id)
end

local function touch(key)
  if key then
    rcall('HINCRBY', key, 'touched', 1)
  end
end

touch(parentKey)
touch(lockKey)
touch(repeatKey)
touch(dedupKey)
rcall('HSET', args[1] .. jobId, 'data', ARGV[2], 'queue', opts.queue)
rcall('LPUSH', KEYS[1], jobId)
emit('added', jobId)
return jobId
