--! keys: items
-- cell: an array reply kept in a field has no names: `.first` is always nil
local page = {}
page.items = redis.call('LRANGE', KEYS[1], 0, 9)
if page.items.first then
  return page.items.first
end
return #page.items
