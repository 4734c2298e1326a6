// Replaced by the lab-file loader.
namespace phonerig::scenario {
int placeholder() { return 0; }
}  // namespace phonerig::scenario
