#!python flags=
return 1
