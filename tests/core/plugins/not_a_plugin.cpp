// An ordinary shared library: no ABI marker, no manifest.
extern "C" __attribute__((visibility("default"))) int some_function() { return 42; }
