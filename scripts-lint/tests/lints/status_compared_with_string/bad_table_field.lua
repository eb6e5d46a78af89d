--! keys: lock
--! args: token
-- cell: a status kept in a field is the table `{ok = 'OK'}`, never equal to `'OK'`
local attempt = { reply = redis.call('SET', KEYS[1], ARGV[1]) }
if attempt.reply == 'OK' then
  return 1
end
return 0
