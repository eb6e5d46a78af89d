--! keys: dest, sources..
--! args: n
return redis.call('ZUNIONSTORE', KEYS[1], ARGV[1], KEYS[2], 'literal')
