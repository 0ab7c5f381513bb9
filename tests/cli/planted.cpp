// A library that runs code the moment it is loaded, as a planted one would:
// it creates the file named by QDX_PLANTED_MARKER. Not a qdx plugin.
#include <cstdio>
#include <cstdlib>

__attribute__((constructor)) static void planted()
{
    if (const char* marker = std::getenv("QDX_PLANTED_MARKER"))
        if (std::FILE* f = std::fopen(marker, "w")) std::fclose(f);
}
