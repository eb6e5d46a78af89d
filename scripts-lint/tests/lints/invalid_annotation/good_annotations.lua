--! keys: wait, events, meta
--! args: packed, data, packed_opts
-- Annotations in every place the checker reads them: after the assignment on its
-- line (a `;` after it too), on the line before it, naming several fields of one
-- local or several locals, `key(...)` and `prefix(...)`, fields by index, by name
-- and quoted, an assignment to a local declared earlier. Suppressions share the
-- marker and are not annotations.
local rcall = redis.call
local args = cmsgpack.unpack(ARGV[1]); -- redis-lua-lint: prefix(args[1]) key(args[5], args[9])
local opts = cmsgpack.unpack(ARGV[3]) -- redis-lua-lint: prefix(opts.queue) key(opts['parent'])
-- redis-lua-lint: prefix(base), key(lock)
local base, lock = args[1], args[6]
-- redis-lua-lint: allow(dynamic_command)
local push = ARGV[2] == 'lifo' and 'RPUSH' or 'LPUSH'

local function emit(event, id)
  rcall('XADD', KEYS[2], '*', 'event', event, 'jobId', id)
end

local function job_key(id)
  return base .. id
end

local parent
if args[5] then
  parent = args[5] -- redis-lua-lint: key(parent)
end

local jobId = args[2]
if rcall('EXISTS', job_key(jobId)) == 1 then
  return jobId
end
rcall('HSET', args[1] .. jobId, 'data', ARGV[2])
rcall('HSET', opts.queue .. 'names', jobId, args[3])
if parent then
  rcall('HINCRBY', parent, 'children', 1)
end
if opts['parent'] then
  rcall('SADD', opts['parent'], jobId)
end
if args[9] then
  rcall('SET', args[9], jobId, 'PX', 5000)
end
if lock then
  rcall('SET', lock, ARGV[2], 'PX', 30000)
end
if rcall('HEXISTS', KEYS[3], 'paused') == 0 then
  rcall(push, KEYS[1], jobId)
end
emit('added', jobId)
return jobId
