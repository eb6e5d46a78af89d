--! keys: k
--! args: reason
local current = redis.call('GET', KEYS[1])
if not current then
    return redis.error_reply('CLUSTERDOWN ' .. ARGV[1])
end
if current == 'full' then
    return redis.error_reply(string.format('OOM %s', ARGV[1]))
end
if current == 'ro' then
    return {err = ('READONLY' .. ' ' .. ARGV[1])}
end
return current
