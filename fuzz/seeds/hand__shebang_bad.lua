#!lua flags=no_writes,,  name=x
redis.call("SET", KEYS[1], 1)
