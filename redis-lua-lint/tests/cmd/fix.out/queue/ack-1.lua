--! keys: job  args: worker  returns: integer
--- @include "includes/owner"
if ownerOf(KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('not the owner')
end
redis.call('HGETLL', KEYS[1])
return redis.call('DEL', KEYS[1])
