math.randomseed(42)
return math.random(100)
