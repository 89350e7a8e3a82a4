<?php
// phpcs:ignoreFile -- tests.
use PHPUnit\Framework\TestCase;
use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Program;
use Vafa\Settings;

/**
 * A client that answers from a script instead of the network: the program
 * source (what the cart and product notices read) is tested without WordPress
 * HTTP, as the client is injected.
 */
final class FakeClient extends ApiClient {
	public $calls = 0;
	private $answer;

	public function __construct( $answer ) {
		parent::__construct( 'https://vafa.example', 1.0 );
		$this->answer = $answer;
	}

	public function as_user( string $method, string $path, string $subject, string $scope, ?array $body = null, array $headers = array(), ?float $timeout = null ): array {
		$this->calls++;
		if ( $this->answer instanceof ApiException ) {
			throw $this->answer;
		}
		return $this->answer;
	}
}

final class ProgramSourceTest extends TestCase {
	private const PROGRAM = array( 'currency' => 'USD', 'currency_exponent' => 2, 'earn_points' => 1, 'earn_per' => 1 );

	protected function setUp(): void {
		vafa_test_reset();
	}

	public function test_reads_once_then_from_the_cache(): void {
		$client = new FakeClient( self::PROGRAM );
		$source = new Program( $client );
		$this->assertSame( self::PROGRAM, $source->fetch() );
		$this->assertSame( self::PROGRAM, $source->fetch() );
		$this->assertSame( 1, $client->calls );
		$this->assertSame( self::PROGRAM, get_option( Settings::PROGRAM_LAST ) );
	}

	public function test_a_stale_or_forgotten_copy_is_read_again(): void {
		$client = new FakeClient( self::PROGRAM );
		$source = new Program( $client );
		$source->fetch();
		update_option( Settings::PROGRAM_AT, time() - Program::FRESH - 1 );
		$this->assertSame( self::PROGRAM, $source->fetch() );
		$this->assertSame( 2, $client->calls, 'older than ten minutes: asked again' );
		Program::forget();
		$source->fetch();
		$this->assertSame( 3, $client->calls, 'forgotten (a setting changed): asked again' );
		$source->fetch();
		$this->assertSame( 3, $client->calls );
	}

	public static function failures(): array {
		return array(
			'no answer marks the service down'   => array( new ApiException( 'x', 'unreachable', 0 ), true ),
			'a 5xx marks the service down'       => array( new ApiException( 'x', 'internal', 503 ), true ),
			'a 4xx is about one request, not down' => array( new ApiException( 'x', 'unauthorized', 401 ), false ),
		);
	}

	/** @dataProvider failures */
	public function test_failures_fall_back_to_the_last_program( ApiException $e, bool $down ): void {
		update_option( Settings::PROGRAM_LAST, self::PROGRAM );
		$source = new Program( new FakeClient( $e ) );
		$this->assertSame( self::PROGRAM, $source->fetch(), 'the last known program is used' );
		$this->assertSame( $down, \Vafa\ApiClient::down() );
	}

	public function test_not_connected_reads_nothing(): void {
		$this->assertNull( ( new Program( null ) )->fetch() );
	}

	public function test_install_runs_each_step_once_and_stores_the_version(): void {
		set_transient( Program::TRANSIENT, self::PROGRAM );
		\Vafa\Install::maybe_upgrade();
		$this->assertSame( VAFA_VERSION, get_option( Settings::VERSION ) );
		$this->assertFalse( get_transient( Program::TRANSIENT ), 'the 0.2.0 step dropped the cached program' );
		set_transient( Program::TRANSIENT, self::PROGRAM );
		\Vafa\Install::maybe_upgrade();
		$this->assertSame( self::PROGRAM, get_transient( Program::TRANSIENT ), 'an up-to-date install runs nothing' );
	}

	public function test_every_option_is_listed_once_for_uninstall(): void {
		$all = Settings::all_options();
		$this->assertSame( count( $all ), count( array_unique( $all ) ) );
		foreach ( array( Settings::OPTION, Settings::PRIVATE_KEY, Settings::VERSION, Settings::STATUS ) as $o ) {
			$this->assertContains( $o, $all );
		}
	}
}
