--! args: seed
math.randomseed(tonumber(ARGV[1]))
return math.random(100)
