#!lua name=locks
local function acquire(keys, args)
  return redis.call('SET', keys[1], args[1], 'NX', 'PX', args[2]) and 1 or 0
end

local function release(keys, args)
  if redis.call('GET', keys[1]) == args[1] then
    return redis.call('DEL', keys[1])
  end
  return 0
end

redis.register_function('acquire', acquire, {'allow-oom'})
redis.register_function{function_name = 'release', callback = release, flag = {'no-writes'}}
redis.register_function{function_name = 'release', callback = release}
redis.register_function{function_name = 'lock-status', callback = release, flags = 'no-writes'}
redis.register_function{callback = acquire}
