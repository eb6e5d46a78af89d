--! args: limit
local limit = ARGV[1]
local doubled = limit * 2
if -limit < 0 then return doubled end
return 0
