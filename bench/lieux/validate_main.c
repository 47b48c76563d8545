/* A stand-alone `lieux-valider` for the benchmark and the conformance test, before (or besides)
 * `relais lieux-valider`: the same function, without the rest of relais's commands. */
#include "lieux/validate.h"

int main(int argc, char **argv)
{
    return lieux_validate_cli(argc, argv); /* argv[0] stands for the subcommand */
}
