--! keys: counter
--! args: mode
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[1] == 'map' then
  return {count = n, key = KEYS[1]}
end
local result = {}
result.total = n
if ARGV[1] == 'table' then
  return result
end
local label = redis.call('HGET', KEYS[1], 'label')
if ARGV[1] == 'hole' then
  return {n, nil, 3}
end
return {'ok', false, n, label}
