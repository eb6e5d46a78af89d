--! keys: flag
--! args: state
if ARGV[1] == 'on' then
  return redis.call('SET', KEYS[1], '1')
elseif ARGV[1] ~= 'off' then
  return redis.error_reply('state must be on or off')
end
return redis.call('DEL', KEYS[1])
