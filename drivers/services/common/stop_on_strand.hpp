// What the socket services share: stopping on their strand (endpoints.hpp: endpoints as
// events name them).
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

namespace phonerig::services {

// Runs `stop_all` (which closes a service's sockets) on `strand`, where the sockets live,
// and waits for it when called from outside the strand. If it has not run within `patience`
// the executor is taken to be no longer run, so nothing else touches the sockets: it runs
// here. Called on the strand, it runs at once.
void stop_on_strand(const boost::asio::strand<boost::asio::any_io_executor>& strand,
                    const std::function<void()>& stop_all,
                    std::chrono::milliseconds patience = std::chrono::seconds(2));

}  // namespace phonerig::services
