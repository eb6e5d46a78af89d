#!lua name="jobs"
--! function move: keys: from, to  returns: Option<String>
--! function type: keys: queue  returns: String
--! function match: keys: queue  args: pattern  returns: Vec<String>
--! function addJob: keys: queue(prefix)  args: id, payload  returns: integer
--! function 1st: keys: queue  returns: Option<String>

-- A job queue whose functions are named like Rust keywords and in camelCase, the
-- library name quoted on the `#!` line, registered every way Redis
-- accepts: positional, table form with fields in any case, flags in any case.
local function rcall(...)
  return redis.call(...)
end

local function register(name, callback, read_only)
  local flags = {}
  if read_only then
    flags = {'No-Writes', 'allow-stale'}
  end
  redis.register_function{Function_Name = name, CALLBACK = callback, flags = flags, description = 1}
end

local function job_key(queue, id)
  return queue .. ':job:' .. id
end

local function move(keys)
  local job = rcall('LPOP', keys[1])
  if not job then
    return nil
  end
  rcall('RPUSH', keys[2], job)
  return job
end

local function type_of(keys)
  return rcall('TYPE', keys[1])['ok']
end

local function match(keys, args)
  local found = {}
  local jobs = rcall('LRANGE', keys[1], 0, 99)
  for _, id in ipairs(jobs) do
    if string.find(id, args[1]) then
      found[#found + 1] = id
    end
  end
  return found
end

local function add_job(keys, args)
  local id, payload = args[1], args[2]
  if rcall('EXISTS', job_key(keys[1], id)) == 1 then
    return 0
  end
  rcall('SET', job_key(keys[1], id), payload)
  return rcall('RPUSH', keys[1], id)
end

redis.register_function('move', move)
register('type', type_of, true)
register('match', match, true)
redis.register_function('addJob', add_job)
redis.register_function{function_name = '1st', callback = function(keys)
  return rcall('LINDEX', keys[1], 0)
end, flags = {'NO-WRITES'}}
