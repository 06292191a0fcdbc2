// The "example" plugin: exports ExamplePolicy with the ABI number and the factory zzjb looks for.
#include "example_type.hpp"

#include "zzjb/plugin/export.hpp"

ZZJB_PLUGIN(example::ExamplePolicy)
