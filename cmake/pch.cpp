// Compiled only to make the precompiled header of its target (cmake/ZzjbPch.cmake).
