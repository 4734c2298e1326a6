#include "drivers/services/common/stop_on_strand.hpp"

#include <future>
#include <memory>

#include <boost/asio/post.hpp>

namespace phonerig::services {

void stop_on_strand(const boost::asio::strand<boost::asio::any_io_executor>& strand,
                    const std::function<void()>& stop_all, std::chrono::milliseconds patience) {
  if (strand.running_in_this_thread()) {
    stop_all();
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  boost::asio::post(strand, [stop_all, done] {
    stop_all();
    done->set_value();
  });
  if (future.wait_for(patience) != std::future_status::ready) stop_all();
}

}  // namespace phonerig::services
