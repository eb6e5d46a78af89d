--! keys: counter, job
--! args: mode
--! returns: (i64, i64)
-- The tuple has two fields: a table literal of one entry cannot fill it, nor can a
-- command whose reply is a status or a single value.
if ARGV[1] == 'one' then
  return {1}
end
if ARGV[1] == 'set' then
  return redis.call('SET', KEYS[1], 1)
end
if ARGV[1] == 'count' then
  return redis.call('INCR', KEYS[1])
end
return {redis.call('INCR', KEYS[1]), redis.call('HLEN', KEYS[2])}
