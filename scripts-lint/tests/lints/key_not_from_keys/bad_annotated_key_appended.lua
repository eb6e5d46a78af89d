--! keys: wait, events
--! args: packed, data
-- Annotated values are keys as declared: a `key(...)` is not a prefix, so keys built
-- by appending to it are reported (with the annotation to write instead), and fields
-- of the msgpack array that no annotation names stay errors.
local rcall = redis.call
local args = cmsgpack.unpack(ARGV[1]) -- redis-lua-lint: prefix(args[1]) key(args[5])

local function emit(event, id)
  rcall('XADD', KEYS[2], '*', 'event', event, 'jobId', id)
end

local jobId = args[2]
local jobKey = args[1] .. jobId
rcall('HSET', jobKey, 'data', ARGV[2])

local parentKey = args[5]
if parentKey then
  -- declared a key: the key itself is fine, what is built from it is not
  rcall('HINCRBY', parentKey, 'children', 1)
  rcall('SADD', parentKey .. ':dependencies', jobKey)
end

-- a field no annotation names
local repeatKey = args[8]
if repeatKey then
  rcall('HSET', repeatKey, 'next', jobId)
end

rcall('LPUSH', KEYS[1], jobId)
emit('added', jobId)
return jobId
