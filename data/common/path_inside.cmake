# resolve_folder / resolve_inside (path_inside.cpp): part of grain_data_common,
# shared by the clip sources, frame folders and checkpoint folders.
target_sources(grain_data_common PRIVATE ${CMAKE_CURRENT_LIST_DIR}/path_inside.cpp)
