--! keys: list
--! args: first, rest..
for i = 1, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
return #ARGV
