--! keys: job  args: worker  returns: integer
--- @include "includes/owner"
if ownerOf(KEYS[1]) ~= '' then
  return 0
end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
return 1
