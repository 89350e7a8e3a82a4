<?php
/**
 * The Customers and Segments screens' decisions, with a fake service: a
 * customer's segment found only when cheap, the segment filter's support
 * detected before a campaign starts, the service's refusals in words.
 *
 * @package Vafa
 */

use PHPUnit\Framework\TestCase;
use Vafa\Admin\CustomersAdmin;
use Vafa\Admin\SegmentsAdmin;
use Vafa\Admin\ServiceErrors;

// phpcs:ignoreFile -- tests.
final class AdminScreensTest extends TestCase {
	private static function rfm( array $counts, array $ids ): array {
		return array(
			'counts' => array_merge( array_fill_keys( array( 'champions', 'loyal', 'promising', 'at_risk', 'hibernating', 'lost' ), 0 ), $counts ),
			'items'  => array_map(
				static function ( $id ) {
					return array( 'customer_id' => null === $id ? null : (string) $id, 'email' => 'x@example.com' );
				},
				$ids
			),
		);
	}

	private static function churn( array $counts, array $ids ): array {
		$r           = self::rfm( array(), $ids );
		$r['counts'] = array_merge( array( 'active' => 0, 'at_risk' => 0, 'lapsed' => 0 ), $counts );
		return $r;
	}

	public function test_the_segment_is_found_by_listing_each_segment_when_every_list_fits_in_a_page(): void {
		$counts = array( 'champions' => 2, 'loyal' => 3, 'lost' => 1 );
		$client = new AdminScreensTestClient(
			array(
				'/v1/admin/reports/rfm?limit=100'                => self::rfm( $counts, array( 7, 8 ) ),
				'/v1/admin/reports/rfm?segment=loyal&limit=100'  => self::rfm( $counts, array( null, 9, 5 ) ),
				'/v1/admin/reports/churn?state=at_risk&limit=100' => self::churn( array( 'active' => 4, 'at_risk' => 2 ), array( 8, 5 ) ),
			)
		);
		$this->assertSame( array( 'segment' => 'loyal', 'churn' => 'at_risk' ), CustomersAdmin::find_segment( $client, '1', '5' ) );
		// Empty segments are not asked for; the search stops where the customer is.
		$this->assertNotContains( '/v1/admin/reports/rfm?segment=promising&limit=100', $client->paths() );
		$this->assertNotContains( '/v1/admin/reports/rfm?segment=lost&limit=100', $client->paths() );
		$this->assertSame( array( '1' ), array_unique( array_column( $client->calls, 1 ) ) );
		$this->assertSame( array( 'admin' ), array_unique( array_column( $client->calls, 2 ) ) );
	}

	public function test_lapsed_active_and_no_segment(): void {
		$counts = array( 'lost' => 2 );
		$answers = array(
			'/v1/admin/reports/rfm?limit=100'                 => self::rfm( $counts, array() ),
			'/v1/admin/reports/rfm?segment=lost&limit=100'    => self::rfm( $counts, array( 3, 4 ) ),
			'/v1/admin/reports/churn?state=at_risk&limit=100' => self::churn( array( 'active' => 1, 'lapsed' => 1 ), array() ),
			'/v1/admin/reports/churn?state=lapsed&limit=100'  => self::churn( array( 'active' => 1, 'lapsed' => 1 ), array( 4 ) ),
		);
		$this->assertSame( array( 'segment' => 'lost', 'churn' => 'lapsed' ), CustomersAdmin::find_segment( new AdminScreensTestClient( $answers ), '1', '4' ) );
		$this->assertSame( array( 'segment' => 'lost', 'churn' => 'active' ), CustomersAdmin::find_segment( new AdminScreensTestClient( $answers ), '1', '3' ) );
		// A customer without a paid order is in no segment (and no churn state).
		$this->assertSame( array( 'segment' => '', 'churn' => '' ), CustomersAdmin::find_segment( new AdminScreensTestClient( $answers ), '1', '99' ) );
	}

	public function test_no_scan_when_a_list_is_larger_than_a_page(): void {
		foreach ( array(
			array( array( 'champions' => 101 ), array() ),
			array( array( 'lost' => 3 ), array( 'lapsed' => 250 ) ),
		) as $case ) {
			$client = new AdminScreensTestClient(
				array(
					'/v1/admin/reports/rfm?limit=100'                 => self::rfm( $case[0], array() ),
					'/v1/admin/reports/churn?state=at_risk&limit=100' => self::churn( $case[1], array() ),
				)
			);
			$this->assertNull( CustomersAdmin::find_segment( $client, '1', '5' ) );
			$this->assertCount( 2, $client->calls );
		}
	}

	public function test_a_failing_service_is_an_exception_not_a_segment(): void {
		$this->expectException( \Vafa\ApiException::class );
		CustomersAdmin::find_segment( new AdminScreensTestClient( array( '/v1/admin/reports/rfm?limit=100' => 503 ) ), '1', '5' );
	}

	public function test_the_segment_filter_is_used_only_when_the_service_refuses_an_unknown_segment(): void {
		// A service that knows the filter refuses the probe's unknown segment (400).
		$knows = new AdminScreensTestClient( array( '/v1/admin/campaigns/preview' => 400 ) );
		$this->assertTrue( SegmentsAdmin::supported( $knows, '1', 'segment' ) );
		$this->assertSame( array( 'filter' => array( 'segment' => 'no-such-segment' ) ), $knows->bodies[0] );
		// One that predates it ignores the field and counts everyone: not supported.
		$old = new AdminScreensTestClient( array( '/v1/admin/campaigns/preview' => array( 'count' => 1200 ) ) );
		$this->assertFalse( SegmentsAdmin::supported( $old, '1', 'churn_state' ) );
		$this->expectException( \Vafa\ApiException::class );
		SegmentsAdmin::supported( new AdminScreensTestClient( array() ), '1', 'segment' );
	}

	public function test_lists_and_their_campaign_filters(): void {
		$this->assertSame( array( 'rfm', 'at_risk' ), SegmentsAdmin::valid( 'rfm', 'at_risk' ) );
		$this->assertSame( array( 'churn', 'lapsed' ), SegmentsAdmin::valid( 'churn', 'lapsed' ) );
		$this->assertNull( SegmentsAdmin::valid( 'churn', 'active' ) );
		$this->assertNull( SegmentsAdmin::valid( 'rfm', 'whales' ) );
		$this->assertNull( SegmentsAdmin::valid( 'top', 'champions' ) );
		$this->assertSame( array( 'segment' => 'champions' ), SegmentsAdmin::filter( 'rfm', 'champions' ) );
		$this->assertSame( array( 'churn_state' => 'at_risk' ), SegmentsAdmin::filter( 'churn', 'at_risk' ) );
	}

	public function test_the_services_refusals_in_words(): void {
		$this->assertSame( 'The points must not be zero.', ServiceErrors::known( 'points must not be zero', 'en_US' ) );
		$this->assertSame( 'Give a reason of 1 to 500 characters.', ServiceErrors::known( 'a reason of 1 to 500 characters is required', 'en_US' ) );
		$this->assertSame( 'Unknown segment.', ServiceErrors::known( 'segment must be one of champions, loyal, promising, at_risk, hibernating, lost', 'en_US' ) );
		$this->assertSame( 'February has no day 30.', ServiceErrors::known( 'February has no day 30', 'en_US' ) );
		$this->assertNull( ServiceErrors::known( 'something new', 'en_US' ) );
		$e = new \Vafa\ApiException( 'The rewards service answered 400: something new', 'invalid', 400, 'something new' );
		$this->assertSame( 'The rewards service answered 400: something new', ServiceErrors::message( $e, 'en_US' ) );
		$e = new \Vafa\ApiException( 'The rewards service answered 400: points out of range', 'invalid', 400, 'points out of range' );
		$this->assertSame( 'The points are out of range.', ServiceErrors::message( $e, 'en_US' ) );
		if ( class_exists( '\IntlDateFormatter' ) ) {
			// The month in the admin's language, the day in its digits.
			$this->assertSame( 'فوریه has no day ۳۰.', ServiceErrors::known( 'February has no day 30', 'fa_IR' ) );
		}
	}
}

/**
 * The service as the report and campaign endpoints answer: a body per path,
 * an HTTP status for an error, nothing at all (unreachable) for other paths.
 */
final class AdminScreensTestClient extends \Vafa\ApiClient {
	public $calls  = array();
	public $bodies = array();
	private $answers;

	public function __construct( array $answers ) {
		parent::__construct( 'http://service.test', 1.0 );
		$this->answers = $answers;
	}

	public function paths(): array {
		return array_column( $this->calls, 0 );
	}

	public function as_user( string $method, string $path, string $subject, string $scope, ?array $body = null, array $headers = array(), ?float $timeout = null ): array {
		$this->calls[]  = array( $path, $subject, $scope );
		$this->bodies[] = $body;
		if ( ! array_key_exists( $path, $this->answers ) ) {
			throw new \Vafa\ApiException( 'The rewards service could not be reached.', 'unreachable', 0 );
		}
		if ( is_int( $this->answers[ $path ] ) ) {
			throw new \Vafa\ApiException( 'answered ' . $this->answers[ $path ], 'http_' . $this->answers[ $path ], $this->answers[ $path ] );
		}
		return $this->answers[ $path ];
	}
}
