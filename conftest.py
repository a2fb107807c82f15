# Shared fixtures for every package's tests: throwaway vhosts, databases and processes.
import pytest

pytest_plugins = ["crm_testing.plugin", "crm_testing.services"]


@pytest.fixture
def container_factory(vhost):
    """nameko's container_factory, made to depend on `vhost`: fixtures end in reverse
    order, so containers are killed before their vhost is deleted. Otherwise a consumer
    whose vhost vanished retries its connection for ever and its kill never returns."""
    from nameko.containers import get_container_cls

    containers = []

    def make(service_cls, config):
        container = get_container_cls(config)(service_cls, config)
        containers.append(container)
        return container

    yield make
    for container in containers:
        container.kill()


@pytest.fixture
def runner_factory(vhost):
    """nameko's runner_factory, ending before the vhost for the same reason."""
    from nameko.runners import ServiceRunner

    runners = []

    def make(config, *service_classes):
        runner = ServiceRunner(config)
        for service_cls in service_classes:
            runner.add_service(service_cls)
        runners.append(runner)
        return runner

    yield make
    for runner in runners:
        runner.kill()
