// Claims to be built for an ABI this qdx does not have.
extern "C" __attribute__((visibility("default"))) int qdx_plugin_abi() { return 999; }
