--! keys: k
--! args: code
-- codes of the application, `ERR`, lower case, longer words and single words are safe
local current = redis.call('GET', KEYS[1])
if not current then
    return redis.error_reply('APP_NOT_FOUND no value')
end
if current == 'a' then
    return {err = 'ERR not allowed'}
end
if current == 'b' then
    return redis.error_reply('busy try later')
end
if current == 'c' then
    return redis.error_reply('BUSYGROUP consumer group exists')
end
if current == 'd' then
    return redis.error_reply('NOSCRIPT')
end
if current == 'e' then
    -- a text built at run time is not known
    return redis.error_reply(ARGV[1] .. ' dynamic')
end
-- not an error reply: a table with a field of that name elsewhere
local log = {note = 'BUSY is a server code'}
return log.note
