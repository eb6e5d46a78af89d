--! args: count
local total = 0
for i = 1, ARGV[1] do total = total + i end
return total
