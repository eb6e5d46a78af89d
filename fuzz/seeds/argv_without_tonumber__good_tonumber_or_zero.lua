--! args: amount
--! keys: balance
local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1]) or 0
if balance < amount then return -1 end
return balance - amount
