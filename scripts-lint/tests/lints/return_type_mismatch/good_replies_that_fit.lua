--! keys: counter, job, pair
--! args: mode
--! returns: Option<i64>
-- Replies whose documented shapes include one the type takes are left alone.
if ARGV[1] == 'get' then
  return redis.call('GET', KEYS[1])
end
if ARGV[1] == 'rank' then
  return redis.call('ZRANK', KEYS[3], 'member')
end
return redis.call('HLEN', KEYS[2])
