#!lua　flags=no-writes x
return 1
