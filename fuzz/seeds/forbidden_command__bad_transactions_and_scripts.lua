--! keys: k
redis.call('MULTI')
redis.call('EVAL', 'return 1', 0)
redis.call('CONFIG', 'SET', 'maxmemory', '1mb')
return redis.call('EXEC')
