--! args: seed
local rand = math.random
if ARGV[1] ~= '' then math.randomseed(tonumber(ARGV[1])) end
return rand(100)
