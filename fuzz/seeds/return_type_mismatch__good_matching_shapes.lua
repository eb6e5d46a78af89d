--! returns: Option<i64>
--! keys: k
--! args: mode
if ARGV[1] == 'missing' then return nil end
if ARGV[1] == 'text' then return '42' end
if ARGV[1] == 'fail' then return redis.error_reply('bad mode') end
local ok = redis.pcall('INCR', KEYS[1])
if type(ok) == 'table' and ok.err then return redis.error_reply(ok.err) end
return ok
