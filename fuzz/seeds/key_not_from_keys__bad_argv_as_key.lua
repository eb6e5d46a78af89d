--! args: name
return redis.call('DEL', ARGV[1])
