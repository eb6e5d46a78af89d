--! keys: queue(prefix)
--! args: *jids
-- `arg` exists only in a function with a `...` parameter: in the main chunk (whose
-- varargs Redis does not pass) and in a function without `...`, it is an undefined
-- global, and Redis raises `Script attempted to access nonexistent global variable`.
local function remove(jid)
  return redis.call('SREM', KEYS[1] .. 'jobs', jid, arg[1])
end
for i = 1, #arg do
  remove(ARGV[i])
end
return #ARGV
