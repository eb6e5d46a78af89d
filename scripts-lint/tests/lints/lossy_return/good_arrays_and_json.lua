--! keys: counter
--! args: mode
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[1] == 'json' then
  return cjson.encode({count = n, key = KEYS[1]})
end
local flat = {'count', n, 'key', KEYS[1]}
if ARGV[1] == 'flat' then
  return flat
end
local label = redis.call('HGET', KEYS[1], 'label') or ''
return {n, label, 1}
