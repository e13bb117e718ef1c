# parse_json / describe_json (json_read.cpp): part of grain_data_common; the
# header includes nlohmann/json.hpp, so users get its include path.
find_package(nlohmann_json REQUIRED)
target_sources(grain_data_common PRIVATE ${CMAKE_CURRENT_LIST_DIR}/json_read.cpp)
target_link_libraries(grain_data_common PUBLIC nlohmann_json::nlohmann_json)
