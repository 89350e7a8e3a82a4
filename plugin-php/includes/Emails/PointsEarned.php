<?php
/**
 * E-mail: points earned.
 *
 * @package Vafa
 */

namespace Vafa\Emails;

use Vafa\Bonuses\Kinds;
use Vafa\Format;

defined( 'ABSPATH' ) || exit;

/**
 * Sent for points.earned: how many points, why, and the balance.
 */
class PointsEarned extends Email {
	const EVENT = 'points.earned';

	/**
	 * Constructor.
	 */
	public function __construct() {
		$this->id          = 'vafa_points_earned';
		$this->title       = __( 'Vafa: points earned', 'vafa' );
		$this->description = __( 'Sent to customers when they earn points: for an order, a bonus, a referral or a gift from the store.', 'vafa' );
		parent::__construct();
	}

	/**
	 * Only grants of points.
	 *
	 * @param array<string,mixed> $event The event.
	 */
	protected function accepts( array $event ): bool {
		return (int) ( $event['data']['points'] ?? 0 ) > 0;
	}

	/**
	 * Default subject.
	 */
	public function get_default_subject() {
		return __( 'You earned {points} points at {site_title}', 'vafa' );
	}

	/**
	 * Default heading.
	 */
	public function get_default_heading() {
		return __( 'You earned {points} points', 'vafa' );
	}

	/**
	 * Why the points came, as the customer reads it.
	 */
	protected function reason(): string {
		$data  = $this->data();
		$kind  = (string) ( $data['kind'] ?? '' );
		$order = Format::digits( (string) ( $data['order_id'] ?? '' ), $this->locale );
		$label = Kinds::label( $kind, (string) ( $data['message'] ?? '' ) );
		if ( '' !== $label ) {
			return $label;
		}
		switch ( $kind ) {
			case 'order_earn':
				/* translators: %s: order number */
				return sprintf( __( 'Points for order #%s', 'vafa' ), $order );
			case 'referral_reward':
				return __( 'Reward for a friend you referred', 'vafa' );
			case 'referral_commission':
				/* translators: %s: order number */
				return sprintf( __( 'Your share of a referred friend\'s order #%s', 'vafa' ), $order );
			case 'referral_welcome':
				return __( 'Welcome gift for joining through a friend', 'vafa' );
			case 'adjustment':
				return __( 'Adjustment by the store', 'vafa' );
		}
		return __( 'Points activity', 'vafa' );
	}

	/**
	 * Template variables.
	 *
	 * @return array<string,mixed>
	 */
	protected function template_args(): array {
		return array(
			'reason'  => $this->reason(),
			'message' => (string) ( $this->data()['message'] ?? '' ),
		);
	}
}
