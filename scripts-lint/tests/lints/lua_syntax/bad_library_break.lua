#!lua name=cleanup
--! function purge: keys: queue  returns: integer
-- A library whose function ends its scan with `break`, outside any loop: Redis
-- refuses the library at `FUNCTION LOAD`.
local function purge(keys, args)
  local removed = 0
  local cursor = '0'
  repeat
    local page = redis.call('SSCAN', keys[1], cursor, 'COUNT', 100)
    cursor = page[1]
    removed = removed + #page[2]
  until cursor == '0'
  if removed == 0 then
    break
  end
  return removed
end

redis.register_function('purge', purge)
