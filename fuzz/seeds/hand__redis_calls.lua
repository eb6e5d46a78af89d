--! keys: a, b..
--! args: n:i64, m:f64
--! returns: Vec<String>
local cmd = ARGV[1]
redis.call(cmd, KEYS[1])
redis.pcall("EVAL", "return 1", 0)
redis.call("eVaLsHa")
redis.call()
redis.call("OBJECT", "FREQ", KEYS[1])
redis.call("XREAD", "BLOCK", 0, "STREAMS", KEYS[1], "$")
redis.call("ZADD", KEYS[1], "NX", "CH", 1, "a")
redis.call("MSET", unpack(ARGV))
redis.call("SET", KEYS[1], ARGV[2], "EX", tonumber(ARGV[1]))
redis.call("CLIENT", "KILL", "ID", 1)
redis.call("CONFIG|GET", "x")
redis.call("SCRIPT", "LOAD", "x")
local r = redis.call("TIME")
math.randomseed(r[1])
return {math.random(), redis.sha1hex("x"), redis.status_reply("OK"), redis.error_reply("x")}
