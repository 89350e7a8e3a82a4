<?php
// phpcs:ignoreFile -- tests.
use PHPUnit\Framework\TestCase;
use Vafa\Reports\Figures;
use Vafa\Reports\Range;

final class ReportsTest extends TestCase {
	public static function range_cases(): array {
		return array(
			'default: the last 12 months'   => array( array(), '2026-11-23', '2025-11-24', '2026-11-23' ),
			'preset 30 days'                => array( array( 'vafa_preset' => '30d' ), '2026-11-23', '2026-10-25', '2026-11-23' ),
			'preset 90 days'                => array( array( 'vafa_preset' => '90d' ), '2026-11-23', '2026-08-26', '2026-11-23' ),
			'preset this year'              => array( array( 'vafa_preset' => 'ytd' ), '2026-11-23', '2026-01-01', '2026-11-23' ),
			'unknown preset: dates win'     => array( array( 'vafa_preset' => 'x', 'vafa_from' => '2026-02-01', 'vafa_to' => '2026-03-31' ), '2026-11-23', '2026-02-01', '2026-03-31' ),
			'to after today ends today'     => array( array( 'vafa_from' => '2026-10-01', 'vafa_to' => '2027-01-01' ), '2026-11-23', '2026-10-01', '2026-11-23' ),
			'from after to swaps'           => array( array( 'vafa_from' => '2026-05-01', 'vafa_to' => '2026-04-01' ), '2026-11-23', '2026-04-01', '2026-05-01' ),
			'not a date: ignored'           => array( array( 'vafa_from' => "2026-02-30", 'vafa_to' => '<script>' ), '2026-11-23', '2025-11-24', '2026-11-23' ),
			'only to: a year before it'     => array( array( 'vafa_to' => '2026-06-30' ), '2026-11-23', '2025-07-01', '2026-06-30' ),
			'more than ten years: last ten' => array( array( 'vafa_from' => '2001-01-01', 'vafa_to' => '2026-11-23' ), '2026-11-23', '2016-11-24', '2026-11-23' ),
			'jalali fields (ICU)'           => array( array( 'vafa_from_jy' => '1405', 'vafa_from_jm' => '1', 'vafa_from_jd' => '1', 'vafa_to_jy' => '1405', 'vafa_to_jm' => '12', 'vafa_to_jd' => '29' ), '2027-06-01', '2026-03-21', '2027-03-20' ),
		);
	}

	/** @dataProvider range_cases */
	public function test_range_from_query( array $query, string $today, string $from, string $to ): void {
		$r = Range::from_query( $query, $today );
		$this->assertSame( array( $from, $to ), array( $r->from, $r->to ) );
	}

	public function test_jalali_conversions_through_icu(): void {
		$this->assertSame( '2026-03-21', Range::from_jalali( 1405, 1, 1 ) );
		$this->assertSame( array( 1405, 1, 1 ), Range::to_jalali( '2026-03-21' ) );
		$this->assertSame( array( 1405, 9, 2 ), Range::to_jalali( '2026-11-23' ) );
		$this->assertNull( Range::from_jalali( 1404, 12, 31 ), '1404 is a common year: Esfand has 29 days' );
		$this->assertNull( Range::from_jalali( 1405, 13, 1 ) );
	}

	public function test_months_are_clipped_to_the_range(): void {
		$months = ( new Range( '2026-01-15', '2026-03-10' ) )->months();
		$this->assertSame(
			array(
				array( 'month' => '2026-01', 'from' => '2026-01-15', 'to' => '2026-01-31' ),
				array( 'month' => '2026-02', 'from' => '2026-02-01', 'to' => '2026-02-28' ),
				array( 'month' => '2026-03', 'from' => '2026-03-01', 'to' => '2026-03-10' ),
			),
			$months
		);
		$this->assertCount( 24, ( new Range( '2020-01-01', '2026-11-23' ) )->months(), 'the latest 24 months at most' );
		$this->assertSame( '2026-11', ( new Range( '2020-01-01', '2026-11-23' ) )->months()[23]['month'] );
	}

	public function test_every_day_of_the_points_series(): void {
		$series = array( array( 'day' => '2026-03-02', 'issued' => 45, 'redeemed' => 40, 'expired' => 0 ) );
		$this->assertSame(
			array(
				array( 'day' => '2026-02-28', 'issued' => 0, 'redeemed' => 0, 'expired' => 0 ),
				array( 'day' => '2026-03-01', 'issued' => 0, 'redeemed' => 0, 'expired' => 0 ),
				array( 'day' => '2026-03-02', 'issued' => 45, 'redeemed' => 40, 'expired' => 0 ),
			),
			Figures::every_day( $series, new Range( '2026-02-28', '2026-03-02' ) )
		);
		$this->assertCount( 365, Figures::every_day( array(), new Range( '2025-11-24', '2026-11-23' ) ) );
	}

	public function test_a_down_service_costs_one_call(): void {
		$client  = new ReportsTestClient( array() );
		$figures = new Figures( $client, 1 );
		$f       = $figures->load( new Range( '2026-10-01', '2026-11-23' ) );
		$this->assertSame( 1, count( $client->calls ), 'the first unreachable call stops the rest' );
		$this->assertSame( 'The rewards service could not be reached.', $figures->down );
		$this->assertNull( $f['summary'] );
		$this->assertNull( $f['rfm'] );
	}

	public function test_figures_from_the_service(): void {
		$summary = array( 'customers' => 5, 'orders' => 12, 'repeat_purchase_rate' => 40 );
		$client  = new ReportsTestClient(
			array(
				'/v1/admin/reports/summary?from=2026-10-01&to=2026-11-23' => $summary,
				'/v1/admin/reports/summary?from=2026-10-01&to=2026-10-31' => array( 'orders' => 0, 'repeat_purchase_rate' => 0 ),
				'/v1/admin/reports/summary?from=2026-11-01&to=2026-11-23' => $summary,
				'/v1/admin/reports/points?from=2026-10-01&to=2026-11-23'  => 404,
				'/v1/admin/reports/cohorts?from=2016-11-24&to=2026-11-23' => array( 'cohorts' => array( array( 'month' => '2026-09', 'size' => 2, 'cells' => array( array( 'offset' => 0, 'customers' => 2 ), array( 'offset' => 2, 'customers' => 1 ) ) ), array( 'month' => '2026-11', 'size' => 3, 'cells' => array( array( 'offset' => 0, 'customers' => 3 ) ) ) ) ),
				'/v1/admin/reports/rfm?limit=1'                            => array( 'counts' => array( 'champions' => 1 ) ),
				'/v1/admin/reports/churn?limit=1'                          => 400,
			)
		);
		$figures = new Figures( $client, 7 );
		$f       = $figures->load( new Range( '2026-10-01', '2026-11-23' ) );
		$this->assertSame( '', $figures->down, 'a 404 and a 400 are about one report, not the service' );
		$this->assertSame( array( 'answered 400' ), $figures->errors );
		$this->assertNull( $f['churn'] );
		$this->assertSame( $summary, $f['summary'] );
		$this->assertNull( $f['points'] );
		$this->assertTrue( $f['points_missing'], 'a 404: the service has no points report' );
		$this->assertSame( array( '2026-11' ), array_column( $f['cohorts'], 'month' ), 'cohorts in the range only' );
		$this->assertSame( array( null, 40.0 ), array_column( $f['months'], 'repeat' ), 'October had no orders: no rate' );
		$this->assertSame( array( 0, 3 ), array_column( $f['months'], 'new' ) );
		$this->assertSame( array( 0, 1 ), array_column( $f['months'], 'returning' ), 'the September cohort came back in November' );
		$this->assertSame( array( 'champions' => 1 ), $f['rfm'] );
		$this->assertSame( array( '7' ), array_unique( array_column( $client->calls, 1 ) ), 'as the admin' );
	}

	public function test_new_and_returning_from_the_cohort_triangle(): void {
		// 2025-12: 4 new, 2 of them back in January, 1 in February.
		// 2026-01: 3 new, 1 back in February.  2026-02: 5 new.
		$cohorts = array(
			array( 'month' => '2025-12', 'size' => 4, 'cells' => array( array( 'offset' => 0, 'customers' => 4 ), array( 'offset' => 1, 'customers' => 2 ), array( 'offset' => 2, 'customers' => 1 ) ) ),
			array( 'month' => '2026-01', 'size' => 3, 'cells' => array( array( 'offset' => 0, 'customers' => 3 ), array( 'offset' => 1, 'customers' => 1 ) ) ),
			array( 'month' => '2026-02', 'size' => 5, 'cells' => array( array( 'offset' => 0, 'customers' => 5 ) ) ),
		);
		$this->assertSame(
			array(
				'2026-01' => array( 'new' => 3, 'returning' => 2 ),
				'2026-02' => array( 'new' => 5, 'returning' => 2 ),
				'2026-03' => array( 'new' => 0, 'returning' => 0 ),
			),
			Figures::new_and_returning( $cohorts, array( '2026-01', '2026-02', '2026-03' ) )
		);
	}
}

/**
 * The service as the report endpoints answer: a body per path, an HTTP status
 * for an error, nothing at all (unreachable) for paths it does not know.
 */
final class ReportsTestClient extends \Vafa\ApiClient {
	public $calls = array();
	private $answers;

	public function __construct( array $answers ) {
		parent::__construct( 'http://service.test', 1.0 );
		$this->answers = $answers;
	}

	public function as_user( string $method, string $path, string $subject, string $scope, ?array $body = null, array $headers = array(), ?float $timeout = null ): array {
		$this->calls[] = array( $path, $subject, $scope );
		if ( ! array_key_exists( $path, $this->answers ) ) {
			throw new \Vafa\ApiException( 'The rewards service could not be reached.', 'unreachable', 0 );
		}
		if ( is_int( $this->answers[ $path ] ) ) {
			throw new \Vafa\ApiException( 'answered ' . $this->answers[ $path ], 'http_' . $this->answers[ $path ], $this->answers[ $path ] );
		}
		return $this->answers[ $path ];
	}
}
