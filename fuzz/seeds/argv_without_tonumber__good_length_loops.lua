--! keys: set
--! args: members..
local added = 0
for i = 1, #ARGV do
  added = added + redis.call('SADD', KEYS[1], ARGV[i])
end
return added
