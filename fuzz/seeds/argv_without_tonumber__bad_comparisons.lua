--! args: low, high
if ARGV[1] < ARGV[2] then return 1 end
if ARGV[1] > 100 then return 2 end
if ARGV[2] == 10 then return 3 end
return 0
